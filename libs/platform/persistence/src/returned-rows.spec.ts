import { returnedRows } from './returned-rows';

describe('returnedRows', () => {
  it('unwraps the [rows, affectedCount] pair TypeORM returns for UPDATE and DELETE', () => {
    expect(returnedRows([[{ id: 1 }], 1])).toEqual([{ id: 1 }]);
    expect(returnedRows([[], 0])).toEqual([]);
  });

  it('passes plain row arrays through', () => {
    expect(returnedRows([{ id: 1 }, { id: 2 }])).toEqual([{ id: 1 }, { id: 2 }]);
  });
});
